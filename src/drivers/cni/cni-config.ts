// The network configuration a CNI runtime uses: the first file of the configuration directory in lexical order
// (.conflist, .conf or .json, as libcni and kubelet operators expect), a single-plugin .conf read as a list of one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface CniNetworkList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConf[];
  file: string;
}

const EXTENSIONS = ['.conflist', '.conf', '.json'];

/** The first valid network list in `dir`, or undefined with why when there is none. */
export async function loadNetworkList(dir: string): Promise<{ list?: CniNetworkList; problem: string }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => EXTENSIONS.some((e) => n.endsWith(e))).sort();
  } catch {
    return { problem: `no CNI configuration directory ${dir}` };
  }
  for (const name of names) {
    const file = join(dir, name);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const cniVersion = typeof parsed.cniVersion === 'string' ? parsed.cniVersion : '0.4.0';
    const netName = typeof parsed.name === 'string' ? parsed.name : '';
    if (!netName) continue;
    const plugins = Array.isArray(parsed.plugins)
      ? (parsed.plugins as CniPluginConf[])
      : typeof parsed.type === 'string'
        ? [parsed as CniPluginConf]
        : [];
    if (plugins.length === 0 || plugins.some((p) => typeof p.type !== 'string')) continue;
    return { list: { cniVersion, name: netName, plugins, file }, problem: '' };
  }
  return { problem: `no network config found in ${dir}` };
}
