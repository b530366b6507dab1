// One writer per data directory. The embedded log caches each partition's next offset in
// memory, so two writers on one file would hand out the same offsets; a lock file holding the
// owner's PID turns that into a clear error naming the process that holds it.
import fs from 'node:fs';
import path from 'node:path';
import { LogLockedError } from '../log.js';

const LOCK_FILE = 'sluice.lock';

/** Lock files held by this process: a second open in the same process must fail too. */
const heldHere = new Set<string>();
let exitHookInstalled = false;

export interface DirLock {
  release(): void;
}

export function acquireDirLock(dataDir: string): DirLock {
  const lockPath = path.resolve(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      // 'wx' is O_CREAT|O_EXCL: creation is atomic, so exactly one contender wins.
      const fd = fs.openSync(lockPath, 'wx');
      try {
        fs.writeSync(fd, String(process.pid));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (attempt >= 3) throw new LogLockedError(`data directory ${dataDir}: cannot take over lock ${lockPath}`);
      const owner = readOwner(lockPath);
      if (owner === 'gone') continue;
      if (owner === 'unreadable') {
        // A contender has created the file but not yet written its PID: it is starting up.
        if (!isOldFile(lockPath)) throw new LogLockedError(`data directory ${dataDir} is being opened by another process`);
      } else if (isHeld(owner, lockPath)) {
        // PIDs are reused after a reboot, so name the file for the rare false positive.
        throw new LogLockedError(
          `data directory ${dataDir} is in use by process ${owner} (if it is not Sluice, delete ${lockPath})`,
        );
      }
      // Stale: its owner died (kill -9, power loss). Remove it and retry the atomic create.
      // Two processes taking over the same stale lock re-check the owner just before removing,
      // which leaves only a microsecond window in which both could succeed.
      if (readOwner(lockPath) === owner) fs.rmSync(lockPath, { force: true });
    }
  }
  heldHere.add(lockPath);
  installExitHook();
  return {
    release() {
      if (!heldHere.delete(lockPath)) return;
      fs.rmSync(lockPath, { force: true });
    },
  };
}

function readOwner(lockPath: string): number | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const pid = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(pid) && pid > 0 ? pid : 'unreadable';
}

function isOldFile(lockPath: string): boolean {
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs > 5000;
  } catch {
    return true; // vanished meanwhile: the retry will see it
  }
}

function isHeld(pid: number, lockPath: string): boolean {
  // Our own PID in the file is live only if this process really holds it; otherwise it is a
  // previous process that had the same PID (common in containers, where the server is PID 1).
  if (pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A normal exit releases the locks; kill -9 leaves them, and stale detection covers that. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lockPath of heldHere) fs.rmSync(lockPath, { force: true });
    heldHere.clear();
  });
}
