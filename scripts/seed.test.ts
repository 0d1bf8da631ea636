import { describe, expect, it } from "vitest";
import { createProgress, formatDuration, progressLine } from "./seed-progress";
import { parseSeedArgs } from "./seed";

const account = ["--email", "ada@example.com", "--password", "analytical engine"];

describe("parseSeedArgs", () => {
  it("reads the options, with defaults", () => {
    expect(parseSeedArgs([...account])).toEqual({
      kind: "run",
      args: { email: "ada@example.com", password: "analytical engine", contacts: 1_000, seed: "cardfile", batch: 10_000 },
    });
    expect(parseSeedArgs([...account, "--contacts", "1_000_000", "--seed", "demo", "--batch=5000"])).toMatchObject({
      args: { contacts: 1_000_000, seed: "demo", batch: 5_000 },
    });
    expect(parseSeedArgs(["--contacts=1,000", "-e", "a@b.co", "-p", "pw"])).toMatchObject({ args: { contacts: 1_000, email: "a@b.co" } });
    expect(parseSeedArgs([...account, "--contacts", "0"])).toMatchObject({ args: { contacts: 0 } });
    expect(parseSeedArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("refuses what it cannot use, saying which option and why", () => {
    const message = (argv: string[]) => {
      const parsed = parseSeedArgs(argv);
      return parsed.kind === "error" ? parsed.message : parsed.kind;
    };
    expect(message(["--contacts", "10"])).toBe("--email is required");
    expect(message(["--email", "a@b.co"])).toBe("--password is required");
    expect(message([...account, "--contacts", "abc"])).toBe('--contacts must be a whole number from 0 to 10,000,000, not "abc"');
    expect(message([...account, "--contacts", "-5"])).toMatch(/^Option '--contacts' argument is ambiguous$/);
    expect(message([...account, "--contacts", "1.5"])).toMatch(/^--contacts must be/);
    expect(message([...account, "--contacts", "10,00"])).toMatch(/^--contacts must be/);
    expect(message([...account, "--contacts", "20000000"])).toMatch(/^--contacts must be/);
    expect(message([...account, "--batch", "0"])).toMatch(/^--batch must be a whole number from 1 to 100,000/);
    expect(message([...account, "--seed", ""])).toBe("--seed must not be empty");
    expect(message([...account, "--frobnicate"])).toBe("Unknown option '--frobnicate'");
    expect(message([...account, "stray"])).toMatch(/^Unexpected argument 'stray'/);
  });
});

describe("progress", () => {
  it("formats the bar with count, rate and ETA", () => {
    expect(formatDuration(65_000)).toBe("1:05");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
    expect(progressLine(250_000, 1_000_000, 10_000, 20)).toBe("[#####···············] 250,000/1,000,000   25%  25,000 rows/s  ETA 0:30");
    expect(progressLine(0, 10, 0, 4)).toBe("[····] 0/10    0%  0 rows/s  ETA ?");
  });

  it("prints a plain line every tenth of the way when not on a terminal, then the summary", () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgress(100, { isTTY: false, write: (text: string) => lines.push(text) }, () => now);
    for (let done = 5; done <= 100; done += 5) {
      now += 100;
      progress.update(done);
    }
    progress.finish(100);
    expect(lines).toHaveLength(11);
    expect(lines.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
    expect(lines[0]).toContain(" 10/100 ");
    expect(lines.at(-1)).toBe("Added 100 contacts in 2.0 s (50 rows/s)\n");
  });

  it("redraws in place on a terminal, at most ten times a second", () => {
    const writes: string[] = [];
    let now = 0;
    const progress = createProgress(1_000, { isTTY: true, write: (text: string) => writes.push(text) }, () => now);
    for (let done = 1; done <= 1_000; done++) {
      now += 1;
      progress.update(done);
    }
    progress.finish(1_000);
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(writes.every((text) => text.startsWith("\r"))).toBe(true);
    expect(writes.at(-2)).toContain("1,000/1,000  100%");
    expect(writes.at(-1)).toBe("\rAdded 1,000 contacts in 1.0 s (1,000 rows/s)\x1b[K\n");
  });
});
