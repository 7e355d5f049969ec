// What the engine badge and panel show: the engine's `engine.status` reply, asked once per
// connection (the engine probes its providers once per process, so asking again says nothing new).
import type { EngineStatus } from '../../../main/api.ts';
import type { AppClient } from '../client/app-client.ts';
import { errorShapeOf } from '../client/call-error.ts';
import { Store, useStore } from './store.ts';

export type EngineView =
  | { phase: 'idle' }
  | { phase: 'loading' }
  | { phase: 'ready'; status: EngineStatus }
  | { phase: 'failed'; message: string };

export const engineStore = new Store<EngineView>({ phase: 'idle' });

export function useEngine(): EngineView {
  return useStore(engineStore, (s) => s);
}

export async function loadEngineStatus(client: AppClient): Promise<void> {
  const now = engineStore.get().phase;
  if (now === 'loading' || now === 'ready') return;
  engineStore.update(() => ({ phase: 'loading' }));
  try {
    const status = await client.call('engine.status', {});
    engineStore.update(() => ({ phase: 'ready', status }));
  } catch (err) {
    engineStore.update(() => ({ phase: 'failed', message: errorShapeOf(err).message }));
  }
}
