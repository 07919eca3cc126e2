import { status, type Metadata } from '@grpc/grpc-js';
import { auth } from '@hoody/contracts';
import { callerOf, eventMetadata, rpcError, toRpcError } from '@hoody/service-kit';
import { Controller, Inject } from '@nestjs/common';
import { AuthCommands } from '../commands/auth-commands';
import { AuthQueries } from '../read-model/auth-queries';
import { pageInfo, pageOf, tokenMessage, userMessage } from './mapping';

const USERNAME = /^[a-z0-9][a-z0-9_.-]{1,62}$/;

@Controller()
@auth.UserServiceControllerMethods()
export class UserController implements auth.UserServiceController {
  constructor(
    @Inject(AuthCommands) private readonly commands: AuthCommands,
    @Inject(AuthQueries) private readonly queries: AuthQueries,
  ) {}

  async createUser(request: auth.CreateUserRequest, metadata?: Metadata): Promise<auth.CreateUserResponse> {
    const caller = callerOf(metadata);
    if (!caller.isAdmin) throw rpcError(status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS', 'only an admin may create users');
    if (!USERNAME.test(request.username)) {
      throw rpcError(status.INVALID_ARGUMENT, 'VALIDATION_FAILED', 'username: 2-63 characters of a-z, 0-9, _ . -, starting with a letter or digit');
    }
    try {
      const { userId, token } = await this.commands.createUser({ username: request.username, isAdmin: false }, eventMetadata(caller, metadata));
      const user = this.queries.userById(userId);
      const tokenRow = this.queries.token(userId, token.tokenId);
      if (!user || !tokenRow) throw new Error('the read model lost a user it was waiting for');
      return { user: userMessage(user), token: tokenMessage(tokenRow), secret: token.secret };
    } catch (error) {
      throw toRpcError(error);
    }
  }

  listUsers(request: auth.ListUsersRequest, metadata?: Metadata): auth.ListUsersResponse {
    const caller = callerOf(metadata);
    const page = pageOf(request.page);
    const { items, total } = this.queries.users(page, caller.isAdmin ? undefined : caller.userId);
    return { users: items.map(userMessage), pagination: pageInfo(total, page) };
  }
}
