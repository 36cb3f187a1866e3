// Who may stay on the live socket (issue 8 point 6). A socket signs in once, at its handshake,
// with `auth: { token }` or the dashboard's session cookie; after that the server keeps checking:
// a user removed or given another role is dropped at once (UsersService.changes$), and every
// socket's token is verified again on a timer (its expiry against the injected clock; a user
// changed through another server instance). A dropped socket is told why (`session` event) so the
// dashboard asks its user to sign in again.
import { Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { LiveSessionEnded, UserDto } from '@estate-watch/contracts';
import type { AuthService } from '../auth/auth.service';
import { readCookie, SESSION_COOKIE } from '../auth/session-cookies';
import type { UserChanged } from '../users/users.service';

/** What the handshake established, kept on socket.data. */
export interface LiveSocketData {
  user: UserDto;
  token: string;
}

type Reason = LiveSessionEnded['reason'];

export class LiveSessions {
  private readonly log = new Logger('LiveSessions');

  constructor(
    private readonly namespace: Namespace,
    private readonly auth: Pick<AuthService, 'verifyToken'>,
  ) {}

  /** Namespace middleware: no valid token, no connection. */
  readonly authenticate = (socket: Socket, next: (error?: Error) => void): void => {
    const offered: unknown = socket.handshake.auth?.token;
    const token = typeof offered === 'string' && offered.length > 0 ? offered : readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
    if (!token) return next(new Error('unauthorized: send auth.token, or sign in on the dashboard first'));
    this.auth
      .verifyToken(token)
      .then((user) => {
        // The control room's feed (every alert, order and plate) is not for the guards' phone page.
        if (user.role === 'guard') return next(new Error('forbidden: the live feed is for the control room; guards use /guard'));
        (socket.data as LiveSocketData) = { user, token };
        next();
      })
      .catch(() => next(new Error('unauthorized: token invalid or expired, log in again')));
  };

  /** A user's rights changed on this instance: their sockets go now, not at the next check. */
  userChanged(change: UserChanged): void {
    const reason: Reason = change.kind === 'removed' ? 'removed' : 'role_changed';
    for (const socket of this.sockets()) {
      if (socket.data.user.username.toLowerCase() === change.username.toLowerCase()) this.end(socket, reason);
    }
  }

  /** Verifies every socket's token again; resolves when those that no longer hold are gone. */
  async revalidate(): Promise<void> {
    await Promise.all(
      this.sockets().map(async (socket) => {
        const reason = await this.problem(socket.data);
        if (reason) this.end(socket, reason);
      }),
    );
  }

  private async problem(data: LiveSocketData): Promise<Reason | undefined> {
    try {
      const now = await this.auth.verifyToken(data.token);
      return now.role === data.user.role ? undefined : 'role_changed';
    } catch (error) {
      // verifyToken's messages: "token expired: …", "this token's user no longer exists", "invalid token: …".
      return error instanceof Error && /no longer exists/.test(error.message) ? 'removed' : 'expired';
    }
  }

  private end(socket: Socket<never, { session: (ended: LiveSessionEnded) => void }, never, LiveSocketData>, reason: Reason): void {
    this.log.log(`live socket of ${socket.data.user.username} closed: ${reason}`);
    socket.emit('session', { reason });
    socket.disconnect(true);
  }

  private sockets(): Socket<never, { session: (ended: LiveSessionEnded) => void }, never, LiveSocketData>[] {
    return [...this.namespace.sockets.values()].filter((s) => (s.data as Partial<LiveSocketData>).user !== undefined) as never;
  }
}
