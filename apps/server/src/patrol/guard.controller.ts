import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { GuardTodayDto, UserDto } from '@estate-watch/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { GuardTodayService } from './guard-today.service';

/** The guards' phone page (issue 12 point 8): role `guard` only, and each guard sees their own day. */
@ApiTags('guard')
@Controller('api/guard')
@Roles('guard')
export class GuardController {
  constructor(private readonly today: GuardTodayService) {}

  @Get('today')
  @ApiOperation({ summary: "The signed-in guard's rounds today, the next checkpoint with its window, and their taps" })
  get(@CurrentUser() user: UserDto): Promise<GuardTodayDto> {
    return this.today.today(user);
  }
}
