import { Gpt4AllError, brandError } from '@gpt4all/errors';

/**
 * An RPC worker holding part of a model's layers cannot be reached, stopped answering within
 * `rpcTimeoutMs`, or speaks another protocol version (`ERR_RPC_UNAVAILABLE`). A model with
 * layers on a failed worker stays unusable until it is disposed; other models go on.
 */
export class RpcError extends Gpt4AllError<'ERR_RPC_UNAVAILABLE'> {
  /** The worker, as given (`host:port`). */
  readonly endpoint: string | undefined;

  constructor(message: string, endpoint?: string) {
    super('ERR_RPC_UNAVAILABLE', message);
    this.name = 'RpcError';
    this.endpoint = endpoint;
  }
}
brandError(RpcError, '@gpt4all/core:RpcError');
