/**
 * The layer's own view of moto: EC2 clients straight to moto (never through the layer), in any
 * region and account. moto picks the account from the `x-moto-account-id` header, else from the
 * access key; the layer learns a caller's account by asking moto's STS with the caller's key.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const SECRET = 'unused-moto-does-not-check-signatures';

export class MotoReader {
  private readonly clients = new Map<string, EC2Client>();
  private readonly accounts = new Map<string, Promise<string>>();

  constructor(readonly url: string) {}

  /** EC2 in `region` as seen by `account` (the caller's, when undefined). */
  ec2(region: string, account?: string): EC2Client {
    const key = `${region}|${account ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new EC2Client({
        region,
        endpoint: this.url,
        credentials: { accessKeyId: 'faithful-layer', secretAccessKey: SECRET },
        maxAttempts: 3,
      });
      if (account !== undefined) {
        client.middlewareStack.add(
          (next) => async (args) => {
            (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
            return next(args);
          },
          { step: 'build', name: 'motoAccount' },
        );
      }
      this.clients.set(key, client);
    }
    return client;
  }

  /** The account moto gives the caller who signed with `accessKeyId`. */
  accountOf(accessKeyId: string | undefined): Promise<string> {
    const key = accessKeyId ?? 'test';
    let account = this.accounts.get(key);
    if (!account) {
      const sts = new STSClient({
        region: 'us-east-1',
        endpoint: this.url,
        credentials: { accessKeyId: key, secretAccessKey: SECRET },
      });
      account = sts.send(new GetCallerIdentityCommand({})).then((out) => out.Account ?? '');
      account.catch(() => this.accounts.delete(key));
      this.accounts.set(key, account);
    }
    return account;
  }

  /** An EC2 client acting as the caller of `call` (same region, same account). */
  async asCaller(region: string | undefined, accessKeyId: string | undefined): Promise<EC2Client> {
    return this.ec2(region ?? 'us-east-1', await this.accountOf(accessKeyId));
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
