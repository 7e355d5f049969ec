/**
 * Every path a project holds, visited with its key ("rasters.0.paths.1"), so saving
 * (adding relative paths) and opening (finding moved files) walk the same list.
 */
import type { Project, ProjectPath } from '../api.ts';

/** `optional`: a path that may rightly not exist (where a failed job was told to write). */
type Visit = (p: ProjectPath, key: string, optional: boolean) => ProjectPath;

export function mapProjectPaths(project: Project, visit: Visit): Project {
  return {
    ...project,
    rasters: project.rasters.map((r, i) => ({ ...r, paths: r.paths.map((p, j) => visit(p, `rasters.${i}.paths.${j}`, false)) })),
    vectors: project.vectors.map((v, i) => ({ ...v, path: visit(v.path, `vectors.${i}.path`, false) })),
    outputFolder: project.outputFolder && visit(project.outputFolder, 'outputFolder', false),
    jobs: project.jobs.map((j, i) => ({
      ...j,
      out: visit(j.out, `jobs.${i}.out`, true),
      outputs: j.outputs.map((p, k) => visit(p, `jobs.${i}.outputs.${k}`, false)),
      report: j.report && visit(j.report, `jobs.${i}.report`, false),
    })),
  };
}
