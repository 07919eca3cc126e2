import { Controller, UseFilters } from '@nestjs/common';
import { agent, timestampFromDate } from '@hoody/contracts';
import { ContainerRuntime, type ContainerInspection, type ContainerState, type ContainerSummary } from '@hoody/runtime';
import { RuntimeErrorsFilter } from './runtime-errors.filter';

const STATES: Record<ContainerState, agent.ContainerState> = {
  running: agent.ContainerState.RUNNING,
  paused: agent.ContainerState.PAUSED,
  stopped: agent.ContainerState.STOPPED,
  missing: agent.ContainerState.MISSING,
};

/**
 * hoody.agent.v1.AgentService over this server's ContainerRuntime: a thin translation, no logic of
 * its own. Nest gets it bound to a runtime from AgentModule.forRoot (see there: no parameter
 * decorators in this app).
 */
@Controller()
@agent.AgentServiceControllerMethods()
@UseFilters(RuntimeErrorsFilter)
export class AgentController implements agent.AgentServiceController {
  constructor(private readonly runtime: ContainerRuntime) {}

  async createContainer(request: agent.CreateContainerRequest): Promise<agent.CreateContainerResponse> {
    const created = await this.runtime.create({
      containerId: request.containerId,
      projectId: request.projectId,
      name: request.name,
      image: request.image || undefined,
      env: request.env,
      hoodyKit: request.hoodyKit,
      cpu: request.cpu || undefined,
      memory: request.memory || undefined,
      command: request.command.length > 0 ? request.command : undefined,
    });
    return { dockerId: created.dockerId, state: STATES[created.status], created: created.created };
  }

  async startContainer(request: agent.StartContainerRequest): Promise<agent.StartContainerResponse> {
    return { container: info(await this.runtime.start(request.containerId)) };
  }

  async stopContainer(request: agent.StopContainerRequest): Promise<agent.StopContainerResponse> {
    return { container: info(await this.runtime.stop(request.containerId, { timeoutS: request.timeoutSeconds })) };
  }

  async forceStopContainer(request: agent.ForceStopContainerRequest): Promise<agent.ForceStopContainerResponse> {
    return { container: info(await this.runtime.forceStop(request.containerId)) };
  }

  async restartContainer(request: agent.RestartContainerRequest): Promise<agent.RestartContainerResponse> {
    return { container: info(await this.runtime.restart(request.containerId, { timeoutS: request.timeoutSeconds })) };
  }

  async pauseContainer(request: agent.PauseContainerRequest): Promise<agent.PauseContainerResponse> {
    return { container: info(await this.runtime.pause(request.containerId)) };
  }

  async resumeContainer(request: agent.ResumeContainerRequest): Promise<agent.ResumeContainerResponse> {
    return { container: info(await this.runtime.resume(request.containerId)) };
  }

  async removeContainer(request: agent.RemoveContainerRequest): Promise<agent.RemoveContainerResponse> {
    await this.runtime.remove(request.containerId);
    return {};
  }

  async inspectContainer(request: agent.InspectContainerRequest): Promise<agent.InspectContainerResponse> {
    return { container: info(await this.runtime.inspect(request.containerId)) };
  }

  async listContainers(request: agent.ListContainersRequest): Promise<agent.ListContainersResponse> {
    const all = await this.runtime.list();
    return { containers: all.filter((c) => !request.projectId || c.projectId === request.projectId).map(summary) };
  }

  async exec(request: agent.ExecRequest): Promise<agent.ExecResponse> {
    const result = await this.runtime.exec(request.containerId, request.cmd, {
      env: request.env,
      timeoutS: request.timeoutSeconds || undefined,
    });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  async logs(request: agent.LogsRequest): Promise<agent.LogsResponse> {
    return { lines: await this.runtime.logs(request.containerId, { tail: request.tail || undefined }) };
  }

  async stats(request: agent.StatsRequest): Promise<agent.StatsResponse> {
    const stats = await this.runtime.stats(request.containerId);
    return {
      cpuPercent: stats.cpu_percent,
      memoryBytes: stats.memory_bytes,
      memoryLimitBytes: stats.memory_limit_bytes,
      network: { rxBytes: stats.network.rx_bytes, txBytes: stats.network.tx_bytes },
      pids: stats.pids,
    };
  }
}

function info(inspection: ContainerInspection): agent.ContainerInfo {
  return agent.ContainerInfo.fromPartial({
    containerId: inspection.containerId,
    dockerId: inspection.dockerId ?? '',
    state: STATES[inspection.state],
    exitCode: inspection.exitCode,
    startedAt: inspection.startedAt && timestampFromDate(inspection.startedAt),
    finishedAt: inspection.finishedAt && timestampFromDate(inspection.finishedAt),
    oomKilled: inspection.oomKilled ?? false,
  });
}

function summary(container: ContainerSummary): agent.ContainerInfo {
  return agent.ContainerInfo.fromPartial({
    containerId: container.containerId,
    dockerId: container.dockerId,
    state: STATES[container.state],
    projectId: container.projectId,
    name: container.name,
    image: container.image,
    hoodyKit: container.hoodyKit,
    createdAt: timestampFromDate(container.createdAt),
  });
}
