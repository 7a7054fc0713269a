export {
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
  type RequestOptions,
} from './create-gateway-client.ts';
export { GatewayClientError } from './gateway-client-error.ts';
