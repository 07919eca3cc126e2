import type { EventStore, Subscription } from '@hoody/event-store';
import type { ProjectionRunner } from '@hoody/eventsourcing';
import type { ContainerLifecycle } from './container-lifecycle';

/**
 * `DELETE /projects/{id}` cascades to the project's containers: the auth service records
 * ProjectDeleted, and this deletes the containers as soon as the read model shows it. Deletions
 * missed while the scheduler was down are caught by the reconciler's sweep.
 */
export class ProjectDeletions {
  private subscription?: Subscription;
  private loop?: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ProjectionRunner,
    private readonly lifecycle: ContainerLifecycle,
    private readonly log: (line: string) => void,
  ) {}

  start(fromPosition: number): void {
    const subscription = this.store.subscribeToAll({ fromPosition, filter: { streamPrefixes: ['project-'], eventTypes: ['ProjectDeleted'] } });
    this.subscription = subscription;
    this.loop = (async () => {
      for await (const event of subscription) {
        await this.readModel.waitFor(event.position, 30_000).catch(() => undefined);
        await this.lifecycle.cascadeDeletedProjects();
      }
    })().catch((error: Error) => this.log(`scheduler: following project deletions stopped: ${error.message}`));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.loop;
  }
}
