import { type Command, Option } from 'commander';
import { NETWORK_TYPES, routes, type NetworkType } from '@hoody-ai/hoody-sdk';
import { act, compact, type Emit, list } from '../options';
import { views } from '../render/views';

const container = () => new Option('-c, --container <id>', 'the container').makeOptionMandatory();

export function networkCommand(parent: Command, emit: Emit): Command {
  const group = parent.command('network').description("Egress routing: where a container's traffic leaves");

  act<{ container: string; type: NetworkType; proxy?: string; dns?: string[]; country?: string; city?: string; region?: string; comment?: string }>(
    group
      .command('update')
      .description('Route outbound traffic through a proxy, or block it')
      .addOption(container())
      .addOption(new Option('--type <type>', 'socks5, http, https or block').choices(NETWORK_TYPES).makeOptionMandatory())
      .option('--proxy <url>', 'proxy URL, credentials as userinfo (required unless --type block)')
      .option('--dns <servers>', 'DNS servers, comma-separated (at most 4)', list)
      .option('--country <code>', 'label: country of the exit')
      .option('--city <name>', 'label: city of the exit')
      .option('--region <name>', 'label: region of the exit')
      .option('--comment <text>', 'free text'),
    emit,
    (_args, o) => ({
      request: routes.containers.updateNetworkConfig(o.container, {
        type: o.type,
        ...compact({ proxy: o.proxy, dns_servers: o.dns, country: o.country, city: o.city, region: o.region, comment: o.comment }),
      }),
      view: views.object,
    }),
  );

  act<{ container: string }>(group.command('get').description("Show a container's egress routing").addOption(container()), emit, (_args, o) => ({
    request: routes.containers.getNetworkConfig(o.container),
    view: views.object,
  }));

  act<{ container: string }>(group.command('delete').description('Back to direct egress').addOption(container()), emit, (_args, o) => ({
    request: routes.containers.deleteNetworkConfig(o.container),
    view: views.message,
  }));

  act<{ container: string }>(group.command('start').description('Start the configured routing').addOption(container()), emit, (_args, o) => ({
    request: routes.containers.startNetwork(o.container),
    view: views.object,
  }));

  act<{ container: string }>(group.command('stop').description('Stop the configured routing').addOption(container()), emit, (_args, o) => ({
    request: routes.containers.stopNetwork(o.container),
    view: views.object,
  }));

  return group;
}
