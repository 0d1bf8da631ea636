// The progress bar of `npm run db:seed`, on stderr so stdout stays the summary.

const number = new Intl.NumberFormat("en-US");

/** 65_000 ms -> "1:05"; 3_723_000 ms -> "1:02:03". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** `[######······] 120,000/1,000,000  12%  40,000 rows/s  ETA 0:22` */
export function progressLine(done: number, total: number, elapsedMs: number, width = 30): string {
  const fraction = total > 0 ? Math.min(done / total, 1) : 1;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? formatDuration(((total - done) * 1000) / rate) : "?";
  return (
    `[${"#".repeat(filled)}${"·".repeat(width - filled)}] ${number.format(done)}/${number.format(total)}` +
    `  ${String(Math.floor(fraction * 100)).padStart(3)}%  ${number.format(Math.round(rate))} rows/s  ETA ${eta}`
  );
}

/** `Added 1,000,000 contacts in 41.2 s (24,272 rows/s)` */
export function summaryLine(total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((total * 1000) / elapsedMs) : total;
  return `Added ${number.format(total)} contacts in ${(elapsedMs / 1000).toFixed(1)} s (${number.format(rate)} rows/s)`;
}

interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * On a terminal the bar is redrawn in place (at most 10 times a second); in a
 * log (not a TTY) a plain line is printed at every tenth of the way.
 */
export function createProgress(total: number, out: Output, clock: () => number = () => performance.now()) {
  const started = clock();
  let lastDraw = -Infinity;
  let lastTenth = 0;
  return {
    update(done: number) {
      const now = clock();
      if (out.isTTY) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        out.write(`\r${progressLine(done, total, now - started)}\x1b[K`);
      } else {
        const tenth = total > 0 ? Math.floor((done * 10) / total) : 10;
        if (tenth <= lastTenth) return;
        lastTenth = tenth;
        out.write(`${progressLine(done, total, now - started)}\n`);
      }
    },
    /** Says what happens next while the bar stands still (after the last row). */
    note(text: string) {
      out.write(out.isTTY ? `\r${progressLine(total, total, clock() - started)}  ${text}\x1b[K` : `${text}\n`);
      lastDraw = clock();
    },
    /** Ends with the summary line: total, time, rate (over the bar, on a terminal). */
    finish(done: number): void {
      out.write(`${out.isTTY ? "\r" : ""}${summaryLine(done, clock() - started)}${out.isTTY ? "\x1b[K" : ""}\n`);
    },
  };
}
