const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (value: number, width: number, noPad: boolean): string =>
  noPad ? String(value) : String(value).padStart(width, '0');

function dayOfYear(date: Date): number {
  const start = new Date(date.getFullYear(), 0, 1);
  return (
    Math.round(
      (new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime() - start.getTime()) / 86_400_000,
    ) + 1
  );
}

function timezoneOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
}

/**
 * Python's `datetime.strftime` in the C locale (what chat templates see on a
 * typical server), using the date's local time. Supports glibc's `%-d` no-pad flag.
 */
export function strftime(date: Date, format: string): string {
  return format.replace(/%(-?)([a-zA-Z%])/g, (match, flag: string, code: string) => {
    const noPad = flag === '-';
    const hours = date.getHours();
    switch (code) {
      case 'a':
        return DAYS[date.getDay()]!.slice(0, 3);
      case 'A':
        return DAYS[date.getDay()]!;
      case 'b':
      case 'h':
        return MONTHS[date.getMonth()]!.slice(0, 3);
      case 'B':
        return MONTHS[date.getMonth()]!;
      case 'd':
        return pad(date.getDate(), 2, noPad);
      case 'e':
        return noPad ? String(date.getDate()) : String(date.getDate()).padStart(2, ' ');
      case 'm':
        return pad(date.getMonth() + 1, 2, noPad);
      case 'y':
        return pad(date.getFullYear() % 100, 2, noPad);
      case 'Y':
        return String(date.getFullYear());
      case 'H':
        return pad(hours, 2, noPad);
      case 'I':
        return pad(hours % 12 === 0 ? 12 : hours % 12, 2, noPad);
      case 'p':
        return hours < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(date.getMinutes(), 2, noPad);
      case 'S':
        return pad(date.getSeconds(), 2, noPad);
      case 'f':
        return String(date.getMilliseconds() * 1000).padStart(6, '0');
      case 'j':
        return pad(dayOfYear(date), 3, noPad);
      case 'w':
        return String(date.getDay());
      case 'u':
        return String(date.getDay() === 0 ? 7 : date.getDay());
      case 'z':
        return timezoneOffset(date);
      case 'Z':
        return '';
      case 'D':
        return strftime(date, '%m/%d/%y');
      case 'F':
        return strftime(date, '%Y-%m-%d');
      case 'T':
        return strftime(date, '%H:%M:%S');
      case 'R':
        return strftime(date, '%H:%M');
      case 'c':
        return strftime(date, '%a %b %e %H:%M:%S %Y');
      case 'x':
        return strftime(date, '%m/%d/%y');
      case 'X':
        return strftime(date, '%H:%M:%S');
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return match;
    }
  });
}
