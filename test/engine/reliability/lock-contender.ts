/**
 * One contender of lock-race.test.ts: a process that takes a destination lock (output/lock.ts) when
 * told. stdin lines `go<TAB>destination<TAB>epochMs` (spin until that moment so every contender
 * starts together, then try the lock; answer `won` or the error code) and `release` (answer
 * `released`). Bundled by the test with esbuild; the state folder comes from CMTSMEDIA_STATE_DIR.
 */
import { createInterface } from 'node:readline';
import { type DestinationLock, lockDestination } from '../../../engine/src/output/lock.js';

let held: DestinationLock | undefined;
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, destination, at] = line.split('\t');
  if (command === 'go') {
    while (Date.now() < Number(at)) {
      // spin: a timer would wake the contenders one by one
    }
    try {
      held = lockDestination(destination!, `contender-${process.pid}`);
      process.stdout.write('won\n');
    } catch (err) {
      process.stdout.write(`${(err as { code?: string }).code ?? String(err)}\n`);
    }
  } else if (command === 'release') {
    held?.release();
    held = undefined;
    process.stdout.write('released\n');
  }
});
