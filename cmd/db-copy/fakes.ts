/** First names the fake `name` and `email` masks pick from. */
export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'Mateo', 'Isabella', 'Lucas', 'Mia', 'Levi', 'Evelyn', 'Asher',
  'Harper', 'James', 'Luna', 'Leo', 'Camila', 'Grayson', 'Gianna', 'Ezra', 'Elizabeth', 'Luca', 'Eleanor', 'Ethan', 'Ella', 'Aiden', 'Abigail', 'Wyatt',
  'Sofia', 'Sebastian', 'Avery', 'Mason', 'Scarlett', 'Benjamin', 'Emily', 'Henry', 'Aria', 'Hudson', 'Penelope', 'Jack', 'Chloe', 'Jackson', 'Layla', 'Owen',
  'Mila', 'Daniel', 'Nora', 'Alexander', 'Hazel', 'Maverick', 'Madison', 'Kai', 'Ellie', 'Gabriel', 'Lily', 'Carter', 'Nova', 'William', 'Isla', 'Logan',
];

/** Last names the fake `name` and `email` masks pick from. */
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas',
  'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
  'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy',
];
