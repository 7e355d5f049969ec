// main/tasks/embed: the embed task.
export { openFeatureRun, type FeatureRunHead, type FeatureTaskOptions, type FeatureSource } from './feature-run.ts';
export { runEmbed, type EmbedOptions, type EmbedReport } from './embed.ts';
export { runFusedEmbed, type FusedEmbedOptions, type FusedEmbedReport } from './fused-embed.ts';
