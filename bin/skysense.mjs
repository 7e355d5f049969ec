#!/usr/bin/env node
// The skysense command. The sources are TypeScript; tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/skysense.ts');
process.exitCode = await main(process.argv.slice(2));
