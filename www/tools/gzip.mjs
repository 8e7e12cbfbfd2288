// gzip -9 as the files are shipped (www/*.gz, the single file's blocks) and
// as the bench reports them. GNU gzip when the machine has it: Node's bundled
// zlib compresses medcode.idx's integer tables markedly worse (measured on
// index v4: 3,287,640 bytes with zlib.gzipSync level 9, 2,891,265 with
// `gzip -9`, 2,877,514 with Python's zlib). Same format: every browser's
// DecompressionStream inflates either. -n: no name or time, so builds repeat.
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';

/** gzip -9 of `buf`; which tool made it is in `gzip9.tool`. */
export function gzip9(buf) {
  const r = spawnSync('gzip', ['-9', '-n', '-c'], { input: buf, maxBuffer: 1 << 30 });
  if (r.status === 0 && r.stdout.length > 0) {
    gzip9.tool = 'gzip';
    return r.stdout;
  }
  gzip9.tool = 'node:zlib';
  return zlib.gzipSync(buf, { level: 9 });
}
gzip9.tool = '';
