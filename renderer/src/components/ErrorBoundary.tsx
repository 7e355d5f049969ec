// Last line against a blank window: a render error shows what broke and how to recover.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="fatal" role="alert" data-testid="error-message">
        <h1>Something in the SkySense window broke</h1>
        <p>{this.state.error.message}</p>
        <button type="button" onClick={() => location.reload()}>Reload</button>
      </div>
    );
  }
}
