// The runc/conmon driver's configuration, and which OCI runtime binary a container's HostConfig.Runtime names.
import { z } from 'zod';
import { invalidArgument } from '../../core/errdefs.js';

export const conmonRuntimeConfigSchema = z
  .object({
    /** Runtime state: per-container conmon files, exit files, runc's state root, attach sockets. */
    stateRoot: z.string().min(1),
    runcPath: z.string().min(1),
    conmonPath: z.string().min(1),
    /** More OCI runtimes with runc's command line (daemon.json `runtimes`): name -> binary and global arguments. */
    runtimes: z
      .record(z.string(), z.object({ path: z.string().min(1), runtimeArgs: z.array(z.string()).optional() }).strict())
      .default({}),
    /** The runtime of containers whose HostConfig.Runtime is empty: "runc" or a name in `runtimes`. */
    defaultRuntime: z.string().default('runc'),
    /** catatonit or tini, bound in as /sbin/docker-init for --init. */
    initPath: z.string().optional(),
    /** Rotation when --log-opt does not say: rotate at logSizeMax bytes, keep logMaxFile files. */
    logSizeMax: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    logMaxFile: z.number().int().positive().default(5),
  })
  .strict();

export type ConmonRuntimeConfig = z.input<typeof conmonRuntimeConfigSchema>;
export type ParsedRuntimeConfig = z.output<typeof conmonRuntimeConfigSchema>;

/** An OCI runtime with runc's command line: its binary and the global arguments it always gets. */
export interface RuntimeBinary {
  path: string;
  args: string[];
}

/** The binary and global arguments of a runtime name ("" for the default). */
export function runtimeNamed(config: ParsedRuntimeConfig, name: string | undefined): RuntimeBinary {
  const wanted = name || config.defaultRuntime;
  if (wanted === 'runc') return { path: config.runcPath, args: [] };
  const r = config.runtimes[wanted];
  if (!r) throw invalidArgument(`Unknown runtime specified ${wanted}`);
  return { path: r.path, args: r.runtimeArgs ?? [] };
}
