import { CommandRejected, type Decider } from '@hoody/decider';

export type UserCommand = { type: 'CreateUser'; userId: string; username: string; isAdmin: boolean; at: string };

export type UserEvent = { type: 'UserCreated'; data: { userId: string; username: string; isAdmin: boolean; createdAt: string } };

export type UserState = { exists: false } | { exists: true; userId: string; username: string; isAdmin: boolean; createdAt: string };

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: { exists: false },
  decide(command, state) {
    switch (command.type) {
      case 'CreateUser':
        if (state.exists) throw new CommandRejected('USER_EXISTS', `user ${command.userId} already exists`);
        return [{ type: 'UserCreated', data: { userId: command.userId, username: command.username, isAdmin: command.isAdmin, createdAt: command.at } }];
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'UserCreated':
        return { exists: true, ...event.data };
    }
  },
};
