// Loaded into a gateway child process with `node --import` by the crash tests (issue 16): stops the process dead
// at one chosen point of its work, after writing a marker file, so the test can kill it there with SIGKILL — a
// deterministic kill -9 at a point no timing could hit reliably. Without PAG_TEST_PAUSE_AT it changes nothing.
//
// PAG_TEST_PAUSE_AT:
// - `key-file-write:<n>`: right before the n-th atomic replacement of the key file (the second of a rotation
//   removes the old key);
// - `reencrypt:<n>`: inside the n-th re-encryption of a stored value (a rotation's transaction, part done).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';
import { Vault } from '@pag/vault';

const at = process.env.PAG_TEST_PAUSE_AT;
const marker = process.env.PAG_TEST_PAUSE_MARKER;

/** Tells the test where the process is, then blocks it for good (until it is killed). */
function pauseHere(where: string): void {
  if (marker != null) fs.writeFileSync(marker, where);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

if (at != null) {
  const [point, countText] = at.split(':');
  const target = Number(countText);
  let count = 0;
  if (point === 'key-file-write') {
    const rename = fs.renameSync;
    fs.renameSync = (from, to) => {
      const isKeyFile = basename(String(to)) === 'encryption.key';
      if (isKeyFile) count += 1;
      if (isKeyFile && count === target) pauseHere(at);
      rename(from, to);
    };
    // The vault imports `renameSync` by name; this makes ES module imports see the replacement.
    syncBuiltinESMExports();
  } else if (point === 'reencrypt') {
    const reencrypt = Vault.prototype.reencrypt;
    Vault.prototype.reencrypt = function (this: Vault, ...args: Parameters<Vault['reencrypt']>) {
      count += 1;
      if (count === target) pauseHere(at);
      return reencrypt.apply(this, args);
    };
  } else {
    throw new Error(`PAG_TEST_PAUSE_AT: unknown point ${at}`);
  }
}
