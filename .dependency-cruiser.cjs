// The rooms of main/ and who may use whom (README "Architecture" has the picture).
// Run alone: npm run check:rooms. npm test runs it, and test/unit/boundaries.test.ts shows
// that every rule here fails on a tree that breaks it.
const floor = {
  1: 'raster|vector|model|project',
  2: 'tiler|inputs|encoder|fusion|heads',
  3: 'tasks|train|export|labels',
  4: 'service|jobs',
  5: 'electron|host|cli',
};
const rooms = (list) => `^main/(${list})/`;
const above = (n) => rooms(Object.entries(floor).filter(([k]) => Number(k) > n).map(([, v]) => v).join('|'));

// Floor 2 is used in one order: tiler < inputs < encoder < fusion < heads.
const floor2Order = ['tiler', 'inputs', 'encoder', 'fusion', 'heads'];

module.exports = {
  forbidden: [
    {
      name: 'renderer-uses-api-only',
      comment: 'The renderer sees the engine only through the types of main/api.ts (UI never touches the file system).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/', pathNot: '^main/api\\.ts$' },
    },
    {
      name: 'renderer-api-types-only',
      comment: 'From main/api.ts the renderer takes types, never code that would run in the window.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/api\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'electron-in-electron-only',
      comment: 'Only main/electron/ imports electron: the engine runs in plain Node (CLI, host, worker threads).',
      severity: 'error',
      from: { path: '^(main|renderer)/', pathNot: '^main/electron/' },
      to: { path: '^(electron$|node_modules/electron/)' },
    },
    ...[1, 2, 3, 4].map((n) => ({
      name: `floor-${n}-not-up`,
      comment: `A room on floor ${n} (${floor[n]}) never imports a room on a higher floor.`,
      severity: 'error',
      from: { path: rooms(floor[n]) },
      to: { path: above(n) },
    })),
    ...floor2Order.slice(0, -1).map((room, i) => ({
      name: `floor-2-order-${room}`,
      comment: `On floor 2, ${room} uses only the rooms before it (${floor2Order.slice(0, i).join(', ') || 'none'}).`,
      severity: 'error',
      from: { path: `^main/${room}/` },
      to: { path: rooms(floor2Order.slice(i + 1).join('|')) },
    })),
    {
      name: 'tasks-one-entry',
      comment: 'service, jobs, host, electron and cli reach the tasks only through main/tasks/index.ts.',
      severity: 'error',
      from: { path: rooms(`${floor[4]}|${floor[5]}`) },
      to: { path: '^main/tasks/', pathNot: '^main/tasks/index\\.ts$' },
    },
    {
      name: 'tasks-run-in-jobs',
      comment: 'Tasks run through main/jobs (one dispatch for the CLI and the job workers): service, host, electron and cli never import them.',
      severity: 'error',
      from: { path: rooms(`service|${floor[5]}`) },
      to: { path: '^main/tasks/' },
    },
    {
      name: 'room-faces',
      comment: "Another room is used through its index.ts, never by reaching into its files.",
      severity: 'error',
      from: { path: '^main/([^/]+)/' },
      to: { path: '^main/[^/]+/', pathNot: ['^main/$1/', '^main/[^/]+/index\\.ts$'] },
    },
    {
      name: 'task-faces',
      comment: "A task uses another task through that task's index.ts.",
      severity: 'error',
      from: { path: '^main/tasks/([^/]+)/' },
      to: { path: '^main/tasks/[^/]+/', pathNot: ['^main/tasks/$1/', '^main/tasks/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'No import circles: each module can be read after the ones it imports.',
      severity: 'error',
      from: { path: '^(main|renderer)/' },
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'Every relative import names a file that exists.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(electron|node:.*)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
    },
  },
};
