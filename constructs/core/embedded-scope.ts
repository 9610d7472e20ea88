import { IConstruct } from 'constructs';

/** Charts that exist only to be embedded elsewhere (e.g. workflow resource steps) say so. */
export interface IEmbeddedScope extends IConstruct {
  readonly embedded: true;
}

/** True for a chart whose objects go into another chart's workflow steps instead of a file of their own. */
export const isEmbedded = (c: IConstruct): boolean => (c as Partial<IEmbeddedScope>).embedded === true;

