// hoody.agent.v1: the agent's API (runtime operations on one server's Docker engine).
export * from '../generated/hoody/agent/v1/agent';
