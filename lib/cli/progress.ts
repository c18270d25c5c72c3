// A progress line for interactive terminals: the current step line, a bar and the time left,
// redrawn in place (at most every 100 ms, and always for the last step).

interface Progress {
  update(step: number, line: string): void;
  /** Ends the redrawn line. */
  done(): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const whole = Math.ceil(s); // rounded first: 119.5 s is 2m00s, not 1m60s
  if (whole < 60) return `${whole}s`;
  const m = Math.floor(whole / 60);
  return `${m}m${String(whole - 60 * m).padStart(2, "0")}s`;
}

function createProgress(
  total: number,
  write: (text: string) => void,
  width = 20,
): Progress {
  const started = performance.now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(step, line) {
      const now = performance.now();
      if (step < total && now - lastDraw < 100) return;
      lastDraw = now;
      const frac = step / total;
      const filled = Math.round(frac * width);
      const elapsed = (now - started) / 1000;
      const eta =
        step < total
          ? `ETA ${formatSeconds((elapsed / step) * (total - step))}`
          : `done in ${formatSeconds(elapsed)}`;
      write(
        `\r${line} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${eta}\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) write("\n");
    },
  };
}

export { createProgress, formatSeconds };
export type { Progress };
