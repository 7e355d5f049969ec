// Components read the app store through this selector hook.
import { appStore, type AppState } from './app-state.ts';
import { useStore } from './store.ts';

export function useApp<T>(select: (s: AppState) => T): T {
  return useStore(appStore, select);
}
