import { ApiProperty } from '@nestjs/swagger';

/** A problem type: what a refusal's `type` URI names. */
export class ProblemTypeView {
  @ApiProperty({ example: '/v1/problems/NOT_FOUND' }) type!: string;
  @ApiProperty({ example: 'NOT_FOUND' }) code!: string;
  @ApiProperty({ example: 'Not found' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
}
