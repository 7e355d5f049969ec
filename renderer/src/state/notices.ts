// The error banner's list: every failure lands here with its file and message.
import type { ApiErrorShape } from '../../../main/api.ts';
import { appStore } from './app-state.ts';

let nextId = 1;

export function pushNotice(shape: ApiErrorShape): void {
  const notice = { ...shape, id: nextId++ };
  // Keep the last few; an old error is history, not news.
  appStore.update((s) => ({ ...s, notices: [...s.notices, notice].slice(-4) }));
}

export function dismissNotice(id: number): void {
  appStore.update((s) => ({ ...s, notices: s.notices.filter((n) => n.id !== id) }));
}
