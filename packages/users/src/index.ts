export { DUMMY_HASH, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password';
export {
  addUser,
  type ConsoleUser,
  checkPassword,
  findUser,
  type Grant,
  listUsers,
  normalizeEmail,
  removeUser,
  UserError,
} from './users';
