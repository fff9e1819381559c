/**
 * The session's view of policy: config, proposals and traffic selectors, from the policy modules
 * (src/config, proposals.ts, traffic-selectors.ts).
 */
export type { IdText, IkeConfig } from '../config/types.js';
export { parseConfig } from '../config/parse.js';
export { pskBytes } from '../config/resolve.js';
export {
  acceptChosenProposal,
  describeProposal,
  negotiatedAlgorithms,
  parseProposal,
  parseProposals,
  retainedProposal,
  selectProposal,
  type NegotiatedAlgorithms,
} from './proposals.js';
export { formatTrafficSelector, narrowTrafficSelectors, parseTrafficSelector, trafficSelectorsWithin } from './traffic-selectors.js';
