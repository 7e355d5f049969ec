export { startHost, type HostOptions, type RunningHost } from './start-host.ts';
export { isLoopback } from './bind-address.ts';
