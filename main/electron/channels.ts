/**
 * Names shared by the main process and the preload (which is bundled separately and
 * may import nothing at run time but this file and `electron`).
 */

/** renderer -> main: one ClientMessage per send. */
export const CALL_CHANNEL = 'skysense:call';
/** main -> renderer: ServerMessage, or MenuMessage below. */
export const MESSAGE_CHANNEL = 'skysense:message';

/** The renderer build is served from here (ES modules do not load from file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://renderer';
/** Layer files, with HTTP range semantics; Layer.cogPath / imageUrl are appended. */
export const DATA_SCHEME = 'skysense-data';
export const DATA_BASE_URL = 'skysense-data://local';

/** Application-menu items the renderer acts on (it owns the open flow). */
export type MenuAction = 'open-file' | 'open-folder';

/**
 * Sent on MESSAGE_CHANNEL when the user picks File > Open... or File > Open Folder...
 * The renderer then calls `dialog.open` ({ folders }) and `layer.open` as for its own
 * buttons. Not part of ServerMessage in main/api.ts (yet): receivers switch on `type`.
 */
export interface MenuMessage {
  type: 'menu';
  action: MenuAction;
}
