export { readProjectFile } from './project-read.ts';
export { writeProjectFile } from './project-write.ts';
export { RecentProjects } from './recent-projects.ts';
export { RestoredJobs } from './restored-jobs.ts';
