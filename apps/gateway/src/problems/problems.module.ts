import { Module } from '@nestjs/common';
import { ProblemsController } from './problems.controller';

/** The problem types of the API's refusals (GET /v1/problems, GET /v1/problems/{code}). */
@Module({ controllers: [ProblemsController] })
export class ProblemsModule {}
