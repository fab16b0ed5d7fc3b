console.log('watch');
