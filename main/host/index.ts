export { startHost, type RunningHost } from './start-host.ts';
export { contentSecurityPolicy } from './content-policy.ts';
export { planRangeResponse } from './http-range.ts';
export { mimeType } from './mime.ts';
export { resolveStatic } from './static-files.ts';
