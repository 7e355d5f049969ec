// main/tasks: what a user asks for, one folder per task; service, host, electron and the CLI reach tasks only here.
export * from './embed/index.ts';
export * from './cluster/index.ts';
export * from './similar/index.ts';
export * from './segment/index.ts';
export * from './change/index.ts';
export * from './classify/index.ts';
export { runDetect, rotatedIoU, classWiseNms } from './detect/index.ts';
export { runDeepness } from './deepness/index.ts';
