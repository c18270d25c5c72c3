// A browser cannot start a process: the cells that do carry the live-skip tag.
function refuse(): never {
  throw new Error(
    "a browser cannot start a process (this cell runs in Node only)",
  );
}
export const spawnSync = refuse;
export const spawn = refuse;
export const execSync = refuse;
export const execFileSync = refuse;
