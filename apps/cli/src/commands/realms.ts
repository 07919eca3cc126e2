import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, type Emit, query } from '../options';
import { views } from '../render/views';

export function realmsCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('realms').description('Realms: labels that scope what a token can see');

  act<{ includeUsage?: boolean }>(
    group.command('list').description('The realms your resources carry').option('--include-usage', 'with counts of projects, containers, servers, tokens'),
    emit,
    (_args, o) => ({ request: routes.realms.list(query({ include_usage: o.includeUsage })), view: views.realms }),
  );

  return group;
}
