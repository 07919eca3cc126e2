// hoody.common.v1
export * from '../generated/hoody/common/v1/common';
