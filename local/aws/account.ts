/** The account id of every local ARN (the local endpoint has one account). */
export const LOCAL_ACCOUNT_ID = '000000000000';
