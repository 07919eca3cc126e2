/**
 * Runtime operations on ONE Docker engine, addressed by platform container id: what an agent does
 * for the scheduler. A platform container is the Docker container `hoody-<containerId>` carrying
 * the labels `hoody.managed=true`, `hoody.container_id`, `hoody.project_id` (the platform id is not
 * the Docker id). A container of that name without the matching labels is not ours: not found.
 */
import { mkdir, realpath, rm, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { BASE_IMAGE_TAG, ensureBaseImage } from './base-image';
import { ContainerEventStream, type ContainerEventsOptions } from './container-events';
import { containerStatsFrom, type ContainerStats } from './container-stats';
import { EXEC_DISPATCHER, execThroughChannel, KIT_RUN_PATH } from './exec-channel';
import { dockerClient, execInContainer, interleavedDockerOutput, type ExecResult } from './docker-client';
import {
  ContainerNotFoundError,
  ContainerStartError,
  ContainerStateError,
  dockerMessage,
  dockerStatusCode,
  ImageNotFoundError,
  InvalidContainerSpecError,
  InvalidIdError,
} from './errors';
import { makeSharedBindMount, mountPointsUnder, unmountTree } from './host-mounts';
import { CONTAINER_ID_LABEL, KIT_LABEL, MANAGED_LABEL, NAME_LABEL, PROJECT_ID_LABEL } from './labels';

/**
 * The main process when the spec names none: keeps the container running and exits 0 at once on
 * SIGTERM (a shell as PID 1 has no default TERM handler; `wait` is interrupted by the trap).
 */
export const KEEP_ALIVE_COMMAND: readonly string[] = ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait; done'];

/** The main process of a container with the kit: the same, with the kit's exec channel dispatcher beside it (see exec-channel.ts). */
export const KIT_MAIN_COMMAND: readonly string[] = ['/bin/sh', '-c', `trap "exit 0" TERM; (${EXEC_DISPATCHER}) >/dev/null 2>&1 & while :; do sleep 3600 & wait; done`];

/** Where the kit mounts appear inside a container. */
export const KIT_STORAGE_PATH = '/hoody/storage';
export const KIT_SHARES_PATH = '/hoody/shares';

const ID = /^[0-9a-f]{24}$/;
const GIB = 1024 ** 3;
/** The engine refuses less than 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2;

export type ContainerState = 'running' | 'paused' | 'stopped' | 'missing';

export interface ContainerSpec {
  /** Platform id, 24 lowercase hex characters. */
  containerId: string;
  /** Platform id of its project; empty for a warm prespawned container (in no project until it is claimed). */
  projectId: string;
  /** Platform name (kept as the label `hoody.name`). */
  name: string;
  /** Default `hoody/base:latest`, imported into the engine when missing. Other images must be on the engine. */
  image?: string;
  env?: Record<string, string>;
  /** Mount `/hoody/storage` and `/hoody/shares` (default false here; the API's default is true). */
  hoodyKit?: boolean;
  /** CPU limit in cores (NanoCpus); unset or 0: none. */
  cpu?: number;
  /** Memory limit in GiB (Memory, swap included); unset or 0: none. */
  memory?: number;
  /** Main process; unset or empty: KEEP_ALIVE_COMMAND. */
  command?: string[];
}

export interface CreateResult {
  dockerId: string;
  status: ContainerState;
  /** False when the container already existed (create is idempotent per containerId). */
  created: boolean;
}

export interface ContainerInspection {
  containerId: string;
  /** Absent when `missing`. */
  dockerId?: string;
  state: ContainerState;
  /** Exit code of the main process's last run, when stopped after having run. */
  exitCode?: number;
  /** Last start; absent if never started. */
  startedAt?: Date;
  /** Last exit; absent if it never exited. */
  finishedAt?: Date;
  /** The kernel's OOM killer ended the last run. */
  oomKilled?: boolean;
}

export interface ContainerSummary {
  containerId: string;
  projectId: string;
  name: string;
  dockerId: string;
  state: Exclude<ContainerState, 'missing'>;
  image: string;
  hoodyKit: boolean;
  createdAt: Date;
}

export interface RuntimeExecOptions {
  env?: Record<string, string>;
  /** Default 30 s; on expiry an ExecTimeoutError (the process may keep running in the container). */
  timeoutS?: number;
}

/** What a server offers, as the REST `specs` object. */
export interface HostSpecs {
  cpu_cores: number;
  ram_gb: number;
  disk_gb: number;
}

export interface ContainerRuntimeOptions {
  /** A dockerode client, or a DOCKER_HOST-style address (`unix:///var/run/docker.sock`, `tcp://…`). */
  docker: Dockerode | string;
  /**
   * Agent state on this server: `<dataRoot>/containers/<containerId>/{storage,shares}` hold the
   * Hoody Kit directories. Must be on the engine's host (the engine bind-mounts from it).
   */
  dataRoot: string;
  /** Seconds a graceful stop waits before SIGKILL; default 10. */
  stopTimeoutS?: number;
  /** The base image reference; default `hoody/base:latest`. */
  baseImage?: string;
}

/**
 * Container lifecycle on one engine. Operations on a containerId the engine does not have throw
 * ContainerNotFoundError (inspect instead answers `missing`); an operation the state does not allow
 * throws ContainerStateError; an operation already in effect (stop a stopped container, pause a
 * paused one) succeeds without doing anything.
 */
export class ContainerRuntime {
  readonly docker: Dockerode;
  readonly dataRoot: string;
  private readonly stopTimeoutS: number;
  private readonly baseImage: string;
  /** Per-container serialisation of create/start/restart/remove (they touch the kit's host mounts). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(options: ContainerRuntimeOptions) {
    this.docker = typeof options.docker === 'string' ? dockerClient(options.docker) : options.docker;
    this.dataRoot = resolve(options.dataRoot);
    this.stopTimeoutS = options.stopTimeoutS ?? 10;
    this.baseImage = options.baseImage ?? BASE_IMAGE_TAG;
  }

  /** The Docker container name of a platform container. */
  static dockerName(containerId: string): string {
    return `hoody-${containerId}`;
  }

  /** Host directory of a container's kit (`<dataRoot>/containers/<containerId>`). */
  containerDir(containerId: string): string {
    checkId('containerId', containerId);
    return join(this.dataRoot, 'containers', containerId);
  }

  /**
   * Creates and starts the container. Idempotent per containerId: when it exists already, returns
   * it as it is (starting it only if it was created but never started, i.e. a create that was cut
   * short), whatever the spec says now.
   */
  async create(spec: ContainerSpec): Promise<CreateResult> {
    const config = this.containerConfig(spec); // validates before anything happens
    return this.serialised(spec.containerId, async () => {
      const [existing] = await Promise.all([
        this.find(spec.containerId),
        config.Image === this.baseImage ? ensureBaseImage(this.docker, { tag: this.baseImage }) : undefined,
      ]);
      if (existing) {
        if (existing.State.Status === 'created') await this.startFound(spec.containerId, existing);
        return { dockerId: existing.Id, status: (await this.inspect(spec.containerId)).state, created: false };
      }
      const kit = spec.hoodyKit ? await this.kitDirectories(spec.containerId) : undefined;

      // The engine checks mount propagation at start, not at create: the shares mount is made meanwhile.
      const [created, shared] = await Promise.allSettled([
        this.docker.createContainer({ ...config, HostConfig: { ...config.HostConfig, Mounts: kit?.mounts ?? [] } }),
        kit && makeSharedBindMount(kit.shares),
      ]);
      if (created.status === 'rejected') {
        const error = created.reason;
        if (dockerStatusCode(error) === 409) {
          // Created meanwhile by someone else on this engine (another agent process): theirs stands.
          const raced = await this.find(spec.containerId);
          if (raced) return { dockerId: raced.Id, status: (await this.inspect(spec.containerId)).state, created: false };
        }
        if (spec.hoodyKit) await this.removeKit(spec.containerId).catch(() => undefined);
        if (dockerStatusCode(error) === 404) throw new ImageNotFoundError(config.Image ?? '');
        throw error;
      }
      const container = created.value;
      if (shared.status === 'rejected') {
        await container.remove({ force: true, v: true }).catch(() => undefined);
        await this.removeKit(spec.containerId).catch(() => undefined);
        throw shared.reason;
      }
      try {
        await container.start();
      } catch (error) {
        // All or nothing: a container whose process cannot start is not left behind.
        await container.remove({ force: true, v: true }).catch(() => undefined);
        if (spec.hoodyKit) await this.removeKit(spec.containerId).catch(() => undefined);
        throw new ContainerStartError(spec.containerId, `cannot start container ${spec.containerId}: ${dockerMessage(error)}`);
      }
      return { dockerId: container.id, status: (await this.inspect(spec.containerId)).state, created: true };
    });
  }

  /** Starts a stopped container; a running one is left alone; a paused one is an error (resume it). */
  start(containerId: string): Promise<ContainerInspection> {
    return this.serialised(containerId, async () => {
      await this.startFound(containerId, await this.get(containerId));
      return this.inspect(containerId);
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutS` (default: the runtime's stopTimeoutS). A paused container is stopped too. */
  async stop(containerId: string, options: { timeoutS?: number } = {}): Promise<ContainerInspection> {
    const found = await this.get(containerId);
    if (stateOf(found) !== 'stopped') {
      await this.engine(containerId, () => this.docker.getContainer(found.Id).stop({ t: options.timeoutS ?? this.stopTimeoutS }));
    }
    return this.inspect(containerId);
  }

  /** SIGKILL; returns once the engine reports the container stopped. */
  async forceStop(containerId: string): Promise<ContainerInspection> {
    const found = await this.get(containerId);
    if (stateOf(found) !== 'stopped') {
      const container = this.docker.getContainer(found.Id);
      await this.engine(containerId, () => container.kill({ signal: 'SIGKILL' }));
      await this.engine(containerId, () => container.wait({ condition: 'not-running' }));
    }
    return this.inspect(containerId);
  }

  /** Stop (gracefully, as stop()) then start; a stopped container is just started. */
  restart(containerId: string, options: { timeoutS?: number } = {}): Promise<ContainerInspection> {
    return this.serialised(containerId, async () => {
      const found = await this.get(containerId);
      if (found.Config.Labels?.[KIT_LABEL] === 'true') await this.prepareKit(containerId);
      await this.engine(containerId, () => this.docker.getContainer(found.Id).restart({ t: options.timeoutS ?? this.stopTimeoutS }));
      return this.inspect(containerId);
    });
  }

  /** Freezes every process of the container (cgroup freezer). */
  async pause(containerId: string): Promise<ContainerInspection> {
    const found = await this.get(containerId);
    const state = stateOf(found);
    if (state === 'stopped') throw new ContainerStateError(containerId, state, `container ${containerId} is stopped: only a running container can be paused`);
    if (state === 'running') await this.engine(containerId, () => this.docker.getContainer(found.Id).pause());
    return this.inspect(containerId);
  }

  /** Thaws a paused container. */
  async resume(containerId: string): Promise<ContainerInspection> {
    const found = await this.get(containerId);
    const state = stateOf(found);
    if (state === 'stopped') throw new ContainerStateError(containerId, state, `container ${containerId} is stopped: only a paused container can be resumed`);
    if (state === 'paused') await this.engine(containerId, () => this.docker.getContainer(found.Id).unpause());
    return this.inspect(containerId);
  }

  /**
   * Removes the container (killing it if needed) and its kit directories (unmounting the shares
   * mount and anything mounted beneath it first). Kit leftovers of a container the engine no longer
   * has are cleaned up too; ContainerNotFoundError only when there was nothing at all.
   */
  async remove(containerId: string): Promise<void> {
    checkId('containerId', containerId);
    return this.serialised(containerId, async () => {
      const found = await this.find(containerId);
      if (found) {
        try {
          await this.docker.getContainer(found.Id).remove({ force: true, v: true });
        } catch (error) {
          if (dockerStatusCode(error) !== 404) throw error;
        }
      }
      const hadKit = await this.removeKit(containerId);
      if (!found && !hadKit) throw new ContainerNotFoundError(containerId);
    });
  }

  /** The container's state; `missing` (no dockerId) when the engine does not have it. */
  async inspect(containerId: string): Promise<ContainerInspection> {
    const found = await this.find(containerId);
    if (!found) return { containerId, state: 'missing' };
    const { State } = found;
    const startedAt = engineTime(State.StartedAt);
    const finishedAt = engineTime(State.FinishedAt);
    const state = stateOf(found);
    return {
      containerId,
      dockerId: found.Id,
      state,
      ...(state === 'stopped' && finishedAt ? { exitCode: State.ExitCode } : {}),
      ...(startedAt ? { startedAt } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      ...(State.OOMKilled ? { oomKilled: true } : {}),
    };
  }

  /** Every container on the engine labelled `hoody.managed=true`, by platform id. */
  async list(): Promise<ContainerSummary[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`] } });
    return containers
      .filter((c) => ID.test(c.Labels[CONTAINER_ID_LABEL] ?? ''))
      .map((c) => ({
        containerId: c.Labels[CONTAINER_ID_LABEL],
        projectId: c.Labels[PROJECT_ID_LABEL] ?? '',
        name: c.Labels[NAME_LABEL] ?? '',
        dockerId: c.Id,
        state: c.State === 'running' || c.State === 'restarting' ? 'running' : c.State === 'paused' ? 'paused' : 'stopped',
        image: c.Image,
        hoodyKit: c.Labels[KIT_LABEL] === 'true',
        createdAt: new Date(c.Created * 1000),
      }));
  }

  /** Runs `cmd` in the running container (no TTY, no stdin) and collects its output. */
  async exec(containerId: string, cmd: string[], options: RuntimeExecOptions = {}): Promise<ExecResult> {
    if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((a) => typeof a !== 'string')) {
      throw new InvalidContainerSpecError('cmd', 'a non-empty list of strings is required');
    }
    const timeoutMs = (options.timeoutS ?? 30) * 1000;
    // The kit's exec channel first: a fork inside the container instead of an engine exec.
    const fast = await execThroughChannel(join(this.containerDir(containerId), 'run'), cmd, options.env ?? {}, timeoutMs);
    if (fast) return fast;
    const env = options.env ? envList(options.env) : undefined;
    const found = await this.get(containerId);
    const state = stateOf(found);
    if (state !== 'running') throw new ContainerStateError(containerId, state, `container ${containerId} is ${state}: exec needs it running`);
    return this.engine(containerId, () =>
      execInContainer(this.docker.getContainer(found.Id), cmd, { env, timeoutMs }),
    );
  }

  /** The main process's output (stdout and stderr interleaved), the last `tail` lines, or all. */
  async logs(containerId: string, options: { tail?: number } = {}): Promise<string[]> {
    const found = await this.get(containerId);
    const tail = options.tail !== undefined && options.tail > 0 ? Math.floor(options.tail) : undefined;
    const raw = await this.engine(containerId, () =>
      this.docker.getContainer(found.Id).logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail } : {}) }),
    );
    const text = found.Config.Tty ? raw.toString('utf8') : interleavedDockerOutput(raw);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return tail ? lines.slice(-tail) : lines;
  }

  /** One sample of resource use (`stream: false`; the engine takes about a second to measure CPU). */
  async stats(containerId: string): Promise<ContainerStats> {
    const found = await this.get(containerId);
    const raw = await this.engine(containerId, () => this.docker.getContainer(found.Id).stats({ stream: false }));
    return containerStatsFrom(raw);
  }

  /** Engine events of hoody containers (start, die, pause, unpause, destroy, oom); see ContainerEventStream. */
  events(options: ContainerEventsOptions = {}): ContainerEventStream {
    return new ContainerEventStream(this.docker, options);
  }

  /** Resolves when the engine answers. */
  async ping(): Promise<void> {
    await this.docker.ping();
  }

  /** CPU cores and memory of the engine's host (from the engine), disk of the filesystem holding dataRoot. */
  async hostSpecs(): Promise<HostSpecs> {
    const info = (await this.docker.info()) as { NCPU?: number; MemTotal?: number };
    await mkdir(this.dataRoot, { recursive: true });
    const fs = await statfs(this.dataRoot);
    return {
      cpu_cores: info.NCPU ?? 0,
      ram_gb: round1((info.MemTotal ?? 0) / GIB),
      disk_gb: round1((fs.blocks * fs.bsize) / GIB),
    };
  }

  // ------------------------------------------------------------------------------------------

  /** The engine's create body for a spec (without the kit mounts); throws on an invalid spec. */
  private containerConfig(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
    checkId('containerId', spec.containerId);
    if (spec.projectId !== '') checkId('projectId', spec.projectId);
    if (typeof spec.name !== 'string' || spec.name.length === 0) throw new InvalidContainerSpecError('name', 'is required');
    const image = spec.image && spec.image.length > 0 ? spec.image : this.baseImage;
    const hostConfig: Dockerode.HostConfig = {
      NetworkMode: 'none',
      Privileged: false,
      // Nothing but the kit: no devices, no host paths, no docker socket, no new privileges via setuid.
      Devices: [],
      Binds: [],
      SecurityOpt: ['no-new-privileges'],
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    };
    if (spec.cpu !== undefined && spec.cpu !== 0) {
      if (!Number.isFinite(spec.cpu) || spec.cpu < 0.01) throw new InvalidContainerSpecError('cpu', 'must be at least 0.01 cores');
      hostConfig.NanoCpus = Math.round(spec.cpu * 1e9);
    }
    if (spec.memory !== undefined && spec.memory !== 0) {
      const bytes = Number.isFinite(spec.memory) ? Math.round(spec.memory * GIB) : NaN;
      if (!(bytes >= MIN_MEMORY_BYTES)) throw new InvalidContainerSpecError('memory', 'must be at least 6 MiB (0.006 GiB)');
      hostConfig.Memory = bytes;
      hostConfig.MemorySwap = bytes; // no swap on top of the limit
    }
    const command = spec.command && spec.command.length > 0 ? spec.command : spec.hoodyKit ? KIT_MAIN_COMMAND : KEEP_ALIVE_COMMAND;
    if (command.some((a) => typeof a !== 'string')) throw new InvalidContainerSpecError('command', 'must be a list of strings');
    return {
      name: ContainerRuntime.dockerName(spec.containerId),
      Image: image,
      Cmd: [...command],
      Env: envList(spec.env ?? {}),
      Labels: {
        [MANAGED_LABEL]: 'true',
        [CONTAINER_ID_LABEL]: spec.containerId,
        [PROJECT_ID_LABEL]: spec.projectId,
        [NAME_LABEL]: spec.name,
        [KIT_LABEL]: spec.hoodyKit ? 'true' : 'false',
      },
      Tty: false,
      OpenStdin: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: hostConfig,
    };
  }

  /** The container's engine record, or undefined when the engine has no such hoody container. */
  private async find(containerId: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    checkId('containerId', containerId);
    try {
      const info = await this.docker.getContainer(ContainerRuntime.dockerName(containerId)).inspect();
      const labels = info.Config.Labels ?? {};
      if (labels[MANAGED_LABEL] !== 'true' || labels[CONTAINER_ID_LABEL] !== containerId) return undefined;
      return info;
    } catch (error) {
      if (dockerStatusCode(error) === 404) return undefined;
      throw error;
    }
  }

  private async get(containerId: string): Promise<Dockerode.ContainerInspectInfo> {
    const found = await this.find(containerId);
    if (!found) throw new ContainerNotFoundError(containerId);
    return found;
  }

  private async startFound(containerId: string, found: Dockerode.ContainerInspectInfo): Promise<void> {
    const state = stateOf(found);
    if (state === 'paused') throw new ContainerStateError(containerId, state, `container ${containerId} is paused: resume it instead`);
    if (state === 'running') return;
    // After a host reboot the shares mount is gone, and the engine refuses rslave on a private mount.
    if (found.Config.Labels?.[KIT_LABEL] === 'true') await this.prepareKit(containerId);
    try {
      await this.engine(containerId, () => this.docker.getContainer(found.Id).start());
    } catch (error) {
      if (error instanceof ContainerNotFoundError || error instanceof ContainerStateError) throw error;
      throw new ContainerStartError(containerId, `cannot start container ${containerId}: ${dockerMessage(error)}`);
    }
  }

  /**
   * An engine call on an existing container: 404 → ContainerNotFoundError (it went away meanwhile),
   * 304 (already in that state) → success, 409 and the engine's "is not …" conflicts → ContainerStateError.
   */
  private async engine<T>(containerId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const status = dockerStatusCode(error);
      if (status === 404) throw new ContainerNotFoundError(containerId);
      if (status === 304) return undefined as T;
      if (status === 409 || (status === 500 && /is (not|already) (running|paused)|is paused|is restarting/i.test(dockerMessage(error)))) {
        const state = (await this.inspect(containerId)).state;
        throw new ContainerStateError(containerId, state, `container ${containerId} is ${state}: ${dockerMessage(error)}`);
      }
      throw error;
    }
  }

  /** Creates the kit directories and makes the shares directory a shared mount; returns the container's mounts. */
  private async prepareKit(containerId: string): Promise<Dockerode.MountSettings[]> {
    const { mounts, shares } = await this.kitDirectories(containerId);
    await makeSharedBindMount(shares);
    return mounts;
  }

  /** The kit's directories, and the engine mounts of them; the shares directory still needs its shared mount. */
  private async kitDirectories(containerId: string): Promise<{ mounts: Dockerode.MountSettings[]; shares: string }> {
    const dir = this.containerDir(containerId);
    await mkdir(join(dir, 'storage'), { recursive: true });
    await mkdir(join(dir, 'shares'), { recursive: true });
    await mkdir(join(dir, 'run'), { recursive: true });
    const real = await realpath(dir); // mountinfo shows resolved paths
    const shares = join(real, 'shares');
    return {
      shares,
      mounts: [
        { Type: 'bind', Source: join(real, 'storage'), Target: KIT_STORAGE_PATH, ReadOnly: false },
        { Type: 'bind', Source: shares, Target: KIT_SHARES_PATH, ReadOnly: false, BindOptions: { Propagation: 'rslave' } },
        { Type: 'bind', Source: join(real, 'run'), Target: KIT_RUN_PATH, ReadOnly: false },
      ],
    };
  }

  /**
   * Unmounts everything under the container's directory, then deletes it. Never deletes while
   * anything is still mounted there (that would delete a share's source files). False if there was
   * no directory.
   */
  private async removeKit(containerId: string): Promise<boolean> {
    let dir: string;
    try {
      dir = await realpath(this.containerDir(containerId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    await unmountTree(join(dir, 'shares'));
    const left = await mountPointsUnder(dir);
    if (left.length > 0) throw new Error(`not removing ${dir}: still mounted there: ${left.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
    return true;
  }

  private serialised<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(containerId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(containerId, settled);
    void settled.then(() => {
      if (this.locks.get(containerId) === settled) this.locks.delete(containerId);
    });
    return next;
  }
}

function checkId(field: string, value: string): void {
  if (typeof value !== 'string' || !ID.test(value)) throw new InvalidIdError(field, String(value));
}

function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => {
    if (key.length === 0 || key.includes('=') || key.includes('\0')) {
      throw new InvalidContainerSpecError('env', `${JSON.stringify(key)} is not a variable name`);
    }
    if (typeof value !== 'string' || value.includes('\0')) throw new InvalidContainerSpecError('env', `${key} must be a string without NUL`);
    return `${key}=${value}`;
  });
}

function stateOf(info: Dockerode.ContainerInspectInfo): Exclude<ContainerState, 'missing'> {
  if (info.State.Paused) return 'paused';
  if (info.State.Running || info.State.Restarting) return 'running';
  return 'stopped';
}

/** The engine writes `0001-01-01T00:00:00Z` for "never". */
function engineTime(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
