/**
 * One process at a time per PGlite data folder. PGlite is PostgreSQL in single-user mode: two
 * processes writing one folder would corrupt it, and PGlite itself does not stop them. The lock is a
 * file beside the folder (`<folder>.lock`) holding the owner's process id; a lock left by a process
 * that no longer runs (killed, crashed) is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock, or throws naming the process that holds it. Returns the release function. */
export async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new Error(
          `The data folder ${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}. ` +
            'Stop that process, or use another folder.',
          { cause: error },
        );
      }
      await unlink(lockPath).catch(() => {}); // left by a process that is gone
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}: another process keeps taking it.`);
}
