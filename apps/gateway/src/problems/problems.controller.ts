import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  API_ERROR_STATUS,
  type ApiErrorCode,
  HttpApiError,
  isApiErrorCode,
} from '../api/api-errors';
import { problemTitle, problemType } from '../api/problem-details';
import { ProblemTypeView } from './problem-type.view';

/**
 * What each problem type URI (`type` of every refusal, RFC 9457 §3.1.1) names: the code, its
 * title and its HTTP status, from API_ERROR_STATUS. Public: it describes the API, not its data.
 */
@ApiTags('problems')
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({ summary: 'Every problem type the API answers with: code, title, status' })
  @ApiOkResponse({ type: ProblemTypeView, isArray: true })
  list(): ProblemTypeView[] {
    return (Object.keys(API_ERROR_STATUS) as ApiErrorCode[]).sort().map(typeOf);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One problem type, the `type` URI of a refusal with that code' })
  @ApiOkResponse({ type: ProblemTypeView })
  one(@Param('code') code: string): ProblemTypeView {
    if (!isApiErrorCode(code)) {
      throw new HttpApiError(
        'NOT_FOUND',
        `no problem type ${code.slice(0, 64)}: GET /v1/problems lists them`,
      );
    }
    return typeOf(code);
  }
}

function typeOf(code: ApiErrorCode): ProblemTypeView {
  return {
    type: problemType(code),
    code,
    title: problemTitle(code),
    status: API_ERROR_STATUS[code],
  };
}
