// gzip -9 as the files are shipped (www/*.gz, the single file's blocks) and
// as the bench reports them: the smaller of GNU gzip and Node's zlib. Node's
// bundled zlib compresses medcode.idx's integer tables markedly worse
// (index v4: 3,287,640 bytes with zlib.gzipSync level 9, 2,891,265 with
// `gzip -9`) but pcs.idx and ncci.idx slightly better (1.58 vs 1.60 MB,
// 173 vs 178 KB). Same format: every browser's DecompressionStream inflates
// either. `gzip -n`: no name or time, so builds repeat byte for byte.
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';

/** The smaller gzip -9 of `buf`. */
export function gzip9(buf) {
  const node = zlib.gzipSync(buf, { level: 9 });
  const r = spawnSync('gzip', ['-9', '-n', '-c'], { input: buf, maxBuffer: 1 << 30 });
  const gnu = r.status === 0 && r.stdout.length > 0 ? r.stdout : null;
  return gnu && gnu.length < node.length ? gnu : node;
}
