import type { Command } from 'commander';
import { routes } from '@hoody-ai/hoody-sdk';
import { act, type Emit, pagingQuery, type PagingOptions, query, withPaging } from '../options';
import { views } from '../render/views';

export function usersCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('users').description('Users (admin)');

  act<{ username: string }>(
    group.command('create').description('Create a user and a first token for them').requiredOption('--username <name>', 'the new user'),
    emit,
    (_args, o) => ({
      request: routes.users.create({ username: o.username }),
      view: views.secret("The user's token is shown only now: hand it over safely."),
    }),
  );

  act<PagingOptions>(withPaging(group.command('list').description('List the users you can see (paged)')), emit, (_args, o) => ({
    request: routes.users.list(query(pagingQuery(o))),
    view: views.users,
  }));

  return group;
}
