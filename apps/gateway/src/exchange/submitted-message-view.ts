import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MessageView } from './message-view';
import type { SubmitResult } from './use-cases/submit-message/submit-message.use-case';

/** A finding that did not refuse a message, as `POST /messages` reports it in `warnings[]`. */
export class SubmitWarningView {
  @ApiProperty() field!: string;
  @ApiProperty() rule!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() treaty?: string;
}

/** An accepted message as `POST /messages` answers it: the message and its warnings. */
export class SubmittedMessageView extends MessageView {
  @ApiProperty({ type: [SubmitWarningView] }) warnings!: SubmitWarningView[];

  static ofResult(result: SubmitResult): SubmittedMessageView {
    return {
      ...MessageView.of(result.message),
      warnings: result.warnings.map((w) => ({
        field: w.path,
        rule: w.code,
        message: w.message,
        treaty: w.treaty,
      })),
    };
  }
}
