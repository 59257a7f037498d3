// `docker top`: the host's ps run with the caller's arguments and filtered to the container's processes.
// Implemented in drivers/host (runs the host's ps, so it works in images without one).

export interface ProcessList {
  Titles: string[];
  Processes: string[][];
}

export interface ProcessTable {
  /** ps output for `pids` with `psArgs` (Docker's default "-ef"); InvalidArgument when ps refuses the args. */
  list(psArgs: string, pids: number[], options?: { signal?: AbortSignal }): Promise<ProcessList>;
}
