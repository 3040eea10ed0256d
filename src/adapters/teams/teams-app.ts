/**
 * The Teams SDK v2 app, with one addition: a connector client for any
 * conversation's service URL, carrying the bot's token. The outbox writes
 * to stored conversation references, each with the service URL Teams gave
 * when the person last spoke (App.send would use one fixed service URL and
 * refuses to work without credentials, which the local trial has none of).
 */
import { Client } from "@microsoft/teams.api";
import { App, type AppOptions, type IPlugin } from "@microsoft/teams.apps";

export class CallgateTeamsApp extends App<IPlugin> {
  private readonly connectors = new Map<string, Client>();

  constructor(options: AppOptions<IPlugin>) {
    super(options);
  }

  /** The Bot Connector at `serviceUrl`, authenticated as the bot (anonymous in local mode). */
  connector(serviceUrl: string): Client {
    const key = serviceUrl.replace(/\/+$/, "");
    let client = this.connectors.get(key);
    if (!client) {
      client = new Client(key, this.client.clone({ token: () => this.getBotToken() }));
      this.connectors.set(key, client);
    }
    return client;
  }
}
