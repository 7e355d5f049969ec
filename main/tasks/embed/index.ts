// main/tasks/embed: the embed task.
export { openFeatureRun, type FeatureRunHead, type FeatureTaskOptions, type FeatureSource } from './feature-run.ts';
export { runEmbed } from './embed.ts';
export { runFusedEmbed } from './fused-embed.ts';
