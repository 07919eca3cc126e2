import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');

/**
 * One of the platform's apps as its own process (`node --import tsx <main>`), started as `npm start`
 * would start it, ready once its output matches `ready`; stopped with a signal (SIGKILL after 10 s).
 * Restartable: every start runs a new process with the same environment.
 */
export class ServiceProcess {
  child?: ChildProcess;
  /** Everything it wrote, over every start. */
  output = '';

  /** `main` relative to the repository root; `env` is read at every start. */
  constructor(
    readonly name: string,
    private readonly main: string,
    private readonly ready: RegExp,
    private readonly env: () => Record<string, string>,
  ) {}

  async start(): Promise<void> {
    const from = this.output.length;
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, this.main)], {
      cwd: REPO,
      env: { ...process.env, HOODY_LOG_LEVEL: 'warn', HOODY_HTTP_PORT: '0', ...this.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolveStart, reject) => {
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.ready.test(this.output.slice(from))) resolveStart();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${this.name} exited with ${code}:\n${this.output.slice(-4000)}`)));
    });
  }

  /** The exit code (or signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? child?.signalCode ?? null;
    const exited = new Promise<number | string | null>((r) => child.once('exit', (code, sig) => r(code ?? sig)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
