// The one Client of this window, handed to components through React context.
import { createContext, useContext } from 'react';
import type { AppClient } from '../client/app-client.ts';

export const ClientContext = createContext<AppClient | null>(null);

export function useClient(): AppClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('ClientContext missing');
  return client;
}
